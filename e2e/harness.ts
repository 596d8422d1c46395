/**
 * What every browser-test suite shares: Debian's Chromium driven by playwright-core (no browser
 * download, no @playwright/test), a fresh local console on a free 127.0.0.1 port with its own store
 * per suite, small assertion helpers, and a watch on every page for console errors, failed requests
 * and CSP violations (each suite ends with a check that there were none).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { BUILD_DIRS, ensureBuild } from '../dev/build-ui';
import { startConsole, type RunningConsole } from '../dev/server';

const ROOT = path.resolve(__dirname, '..');
export const SCREENSHOTS = path.join(ROOT, 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const TIMEOUT = 15_000;

class AssertionError extends Error {}
export function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

export async function shot(page: Page, name: string) {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

export async function openTab(page: Page, name: string) {
  await page.getByRole('tab', { name, exact: true }).click();
  await page.getByRole('tab', { name, exact: true, selected: true }).waitFor({ timeout: TIMEOUT });
}

export async function text(page: Page, selector: string) {
  return (await page.locator(selector).innerText({ timeout: TIMEOUT })).trim();
}

export interface SuiteContext {
  /** The suite's page, already watched, on a fresh console whose store no other suite shares. */
  readonly page: Page;
  readonly app: RunningConsole;
  readonly storeDir: string;
  readonly context: BrowserContext;
  /** Runs one named test; a failure is recorded and the suite goes on. */
  test(name: string, body: () => Promise<void>): Promise<void>;
  /** Records console errors and warnings, page errors and failed requests of another page. */
  watch(page: Page, label: string): void;
  /** Runs `body` on a watched page of a second console on the same store, as a workspace member (read-only). */
  asMember(body: (page: Page) => Promise<void>): Promise<void>;
  /**
   * Runs `body` on a watched page of a console serving the Forge build (bridge adapter included) on
   * the same store, with a stand-in for @forge/bridge's undocumented `globalThis.__bridge`; `body`
   * opens `url` itself, so that it can set the page up first.
   */
  asForgeBuild(body: (page: Page, url: string) => Promise<void>): Promise<void>;
}

export type Suite = (suite: SuiteContext) => Promise<void>;

export interface TestResult {
  readonly name: string;
  readonly error?: string;
}

export async function runSuite(name: string, suite: Suite): Promise<TestResult[]> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const storeDir = mkdtempSync(path.join(os.tmpdir(), `pipeline-guard-e2e-${name}-store-`));
  const profileDir = mkdtempSync(path.join(os.tmpdir(), `pipeline-guard-e2e-${name}-profile-`));
  const consoleLog: string[] = [];
  const app = await startConsole({ port: 0, storeDir, log: (message) => consoleLog.push(message) });
  let context: BrowserContext | undefined;
  const results: TestResult[] = [];
  const problems: string[] = [];
  const test = async (testName: string, body: () => Promise<void>) => {
    try {
      await body();
      results.push({ name: `${name}: ${testName}` });
      console.log(`  ✓ ${testName}`);
    } catch (error) {
      results.push({ name: `${name}: ${testName}`, error: (error as Error).message });
      console.log(`  ✗ ${testName}\n      ${(error as Error).message.split('\n')[0]}`);
    }
  };
  const watch = (page: Page, label: string) => {
    const prefix = label ? `${label} ` : '';
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        problems.push(`${prefix}console.${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`${prefix}page error: ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${prefix}HTTP ${response.status()} for ${response.url()}`);
    });
  };
  console.log(`${name}`);
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      args: ARGS,
      headless: true,
      viewport: { width: 1280, height: 900 },
    });
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) =>
        console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline code'}`),
      );
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(TIMEOUT);
    watch(page, '');
    const browser = context;
    const asMember = async (body: (page: Page) => Promise<void>) => {
      const viewer = await startConsole({ port: 0, storeDir, role: 'member', log: () => undefined });
      const other = await browser.newPage();
      try {
        watch(other, 'viewer');
        await other.goto(viewer.url);
        await other.getByText('Only workspace admins can change Pipeline Guard settings').waitFor();
        await body(other);
      } finally {
        await other.close();
        await viewer.close();
      }
    };
    const asForgeBuild = async (body: (page: Page, url: string) => Promise<void>) => {
      ensureBuild('forge', () => undefined);
      const forge = await startConsole({ port: 0, storeDir, pageDir: BUILD_DIRS.forge, log: () => undefined });
      const other = await browser.newPage();
      try {
        watch(other, 'forge build');
        // A string, not a function: tsx would wrap named functions in a helper the page lacks.
        await other.addInitScript(`
          const post = (url, body) =>
            fetch(url, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(body ?? {}),
            }).then((r) => r.json());
          globalThis.__bridge = {
            callBridge: async (type, payload) => {
              if (type === 'getContext') return post('/__dev/context', {});
              if (type === 'invoke' && payload) return post('/__dev/invoke/' + payload.functionKey, payload.payload);
              throw new Error("the test's bridge does not answer " + type);
            },
          };
        `);
        await body(other, forge.url);
      } finally {
        await other.close();
        await forge.close();
      }
    };
    await suite({ page, app, storeDir, context, test, watch, asMember, asForgeBuild });
    await test('no console errors, warnings or CSP violations', async () => {
      expect(problems.length === 0, problems.join('\n'));
    });
  } finally {
    await context?.close();
    await app.close();
    rmSync(storeDir, { recursive: true, force: true });
    rmSync(profileDir, { recursive: true, force: true });
  }
  return results;
}
