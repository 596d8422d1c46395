/**
 * Runs before any other module of the page (first import of main.tsx), because both settings are
 * read when the libraries load.
 *
 * - zod compiles object schemas with `new Function` unless told not to; probing for that alone is
 *   a CSP `script-src` violation under Forge's policy, which has no 'unsafe-eval'.
 * - Atlaskit components ask the host product for feature flags. A Forge iframe (and the console)
 *   has no host, so without a resolver each component logs "Client must be initialized" to the
 *   console. Answering "off" for every flag is the components' stable default.
 */
import { config } from 'zod';

config({ jitless: true });
(window as unknown as Record<string, unknown>).__PLATFORM_FEATURE_FLAGS__ = { booleanResolver: () => false };
