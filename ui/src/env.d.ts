/** Set by vite.config.ts `define`: which backend this build talks to. */
declare const __SETTINGS_BACKEND__: 'forge' | 'http';

declare module '*?raw' {
  const text: string;
  export default text;
}
declare module '*.css';
