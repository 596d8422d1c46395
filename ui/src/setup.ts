/**
 * Runs before any other module of the page (first import of main.tsx, which loads everything else
 * with a dynamic import), because both settings are read when the libraries load.
 *
 * - zod compiles object schemas with `new Function` unless told not to; probing for that alone is
 *   a CSP `script-src` violation under Forge's policy, which has no 'unsafe-eval'.
 * - Atlaskit components ask the host product for feature flags. A Forge iframe (and the console)
 *   has no host, so without a resolver each component logs "Client must be initialized" to the
 *   console. Answering "off" for every flag is the components' stable default.
 */
// zod reads its settings from this global when it loads; setting it here, before any module that
// imports zod is evaluated (main.tsx loads the page with a dynamic import after this), needs no zod import.
const zodGlobal = globalThis as unknown as { __zod_globalConfig?: Record<string, unknown> };
zodGlobal.__zod_globalConfig = { ...zodGlobal.__zod_globalConfig, jitless: true };
(window as unknown as Record<string, unknown>).__PLATFORM_FEATURE_FLAGS__ = { booleanResolver: () => false };
