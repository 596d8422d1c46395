/** The workspace every trust-policy and trust-check test issues tokens for, and the repository it binds. */
export const TRUST_WORKSPACE = ['--workspace', 'acme', '--workspace-uuid', '{308ce669-576d-4fa7-b4d4-15e8171f0c8c}'];

export const TRUST_REPOSITORY = ['--repository-uuid', '{2fc883c6-3dee-4e73-a354-ccee4bd77938}'];

export const TRUST_WORKSPACE_ARGS = [...TRUST_WORKSPACE, ...TRUST_REPOSITORY];
