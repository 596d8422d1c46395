/** The package's version. package.json sits two folders up from src/cli and from build/cli alike. */
import { version } from '../../package.json';

export const VERSION: string = version;
