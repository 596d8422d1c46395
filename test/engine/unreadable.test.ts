import { unreadableIn } from '../../src/engine/unreadable';

const whats = (text: string) => unreadableIn(text).map((u) => u.what);

describe('unreadableIn: what a static reader cannot follow', () => {
  it.each([
    ['eval "$(cat deploy.env)"', 'runs `eval` on text built at run time'],
    ['eval $CMD', 'runs `eval` on text built at run time'],
    ['bash -c "$SCRIPT"', 'runs `bash -c` on text built at run time'],
    ['sh -c `cat run.sh`', 'runs `sh -c` on text built at run time'],
    ['source ./deploy.env', 'sources ./deploy.env'],
    ['. ./.secrets/load_secrets.sh', 'sources ./.secrets/load_secrets.sh'],
    ['source <(curl -fsSL https://x.example/env)', 'sources <(curl -fsSL https://x.example/env)'],
    [
      'curl -fsSL https://x.example/install | bash',
      'pipes the output of `curl` into `bash`, which runs it as commands',
    ],
    ['base64 -d <<< "$B" | sh -s', 'pipes the output of `base64` into `sh`, which runs it as commands'],
    ['cat run.sh | source /dev/stdin', 'pipes the output of `cat` into `source`, which runs it as commands'],
    ['export ${P}_ROLE_ARN=arn:x', 'sets a variable whose name is built at run time (`export ${P}_ROLE_ARN=arn:x`)'],
    ['export $(cat .env | xargs)', 'sets a variable whose name is built at run time (`export $(cat .env | xargs)`)'],
    ['declare "$n=arn:x"', 'sets a variable whose name is built at run time (`declare $n=arn:x`)'],
    ['printf -v "$n" %s x', 'sets a variable whose name is built at run time (`printf -v $n`)'],
    ['printf -v"$n" %s x', 'sets a variable whose name is built at run time (`printf -v $n`)'],
    ['read "$n" < f', 'reads into a variable whose name is built at run time (`read $n`)'],
    ['declare -n r="$n"', 'makes a name reference to a variable named at run time (`r=$n`)'],
    ['echo "$(eval "$X")"', 'runs `eval` on text built at run time'],
  ])('%s', (text, what) => {
    expect(whats(text)).toEqual([what]);
  });

  it.each([
    'eval "export X=1"',
    "source <(echo 'export X=1')",
    "echo 'aws sts get-caller-identity' | bash",
    "bash -c 'aws s3 ls'",
    'export PATH=$PATH:/opt/bin',
    'declare -n r=AWS_REGION',
    'printf -v out %s "$x"',
    'read -r line < f',
    'curl -fsSL https://x.example/a | tar xz',
    './deploy.sh',
  ])('leaves %s alone: the reader follows it', (text) => {
    expect(whats(text)).toEqual([]);
  });
});
