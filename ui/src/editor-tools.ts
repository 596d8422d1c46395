/**
 * What editing needs beyond showing the draft: the schema check and warnings (zod), and the YAML
 * document (the `yaml` library). Together ~200 KB, so the page loads them right after the first
 * view instead of before it.
 */
export { inspect, type Inspected } from './validation';
export { parsePolicyDraft, syncYamlText, toYamlText } from './yaml-text';
