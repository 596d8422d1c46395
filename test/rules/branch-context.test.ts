import { refOf } from '../../src/engine/ref';
import { branchContext, environmentAllows } from '../../src/rules/branch-context';
import { compiled } from '../support/requests';

describe(`branch-context: ${branchContext.description}`, () => {
  const [prod, dev] = compiled().policy.environments;

  it('reads a branch, a tag and an unknown ref kind from a ref target', () => {
    expect(refOf({ type: 'pipeline_ref_target', ref_type: 'branch', ref_name: 'main' })).toEqual(
      expect.objectContaining({ kind: 'branch', name: 'main' }),
    );
    expect(refOf({ type: 'pipeline_ref_target', ref_type: 'tag', ref_name: 'v1' })).toEqual(
      expect.objectContaining({ kind: 'tag', name: 'v1' }),
    );
    expect(refOf({ type: 'pipeline_ref_target', ref_type: 'annotated_tag', ref_name: 'v1' }).kind).toBe('tag');
    expect(refOf({ type: 'pipeline_ref_target', ref_type: 'bookmark', ref_name: 'main' }).kind).toBe('none');
  });

  it('reads the source branch of a pull request and keeps the destination for the record', () => {
    expect(refOf({ type: 'pipeline_pullrequest_target', source: 'feature/x', destination: 'main' })).toEqual(
      expect.objectContaining({
        kind: 'branch',
        name: 'feature/x',
        destination: 'main',
        description: 'pull request feature/x → main',
      }),
    );
  });

  it('gives a commit target no branch', () => {
    expect(refOf({ type: 'pipeline_commit_target', commit: { hash: 'abcdef0123' } })).toEqual(
      expect.objectContaining({ kind: 'none', description: 'commit abcdef0 (no branch)' }),
    );
  });

  it('matches refs with Bitbucket globs, and lets a commit target into `**` environments only', () => {
    expect(
      environmentAllows(prod, refOf({ type: 'pipeline_ref_target', ref_type: 'branch', ref_name: 'release/1.2' })),
    ).toBe(true);
    expect(
      environmentAllows(
        prod,
        refOf({ type: 'pipeline_ref_target', ref_type: 'branch', ref_name: 'release/1.2/hotfix' }),
      ),
    ).toBe(false);
    expect(environmentAllows(prod, refOf({ type: 'pipeline_ref_target', ref_type: 'tag', ref_name: 'main' }))).toBe(
      false,
    );
    expect(environmentAllows(prod, refOf({ type: 'pipeline_commit_target' }))).toBe(false);
    expect(environmentAllows(dev, refOf({ type: 'pipeline_commit_target' }))).toBe(true);
  });
});
