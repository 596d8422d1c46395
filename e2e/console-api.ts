/** The running console's own routes, called directly to set a scene quickly; the page under test is not involved. */
import type { RunningConsole } from '../dev/server';
import { expect } from './harness';

/** POSTs JSON to a console route (`/__dev/seed-samples`, `/__dev/invoke/<function>`, ...); a refused request fails. */
export async function postToConsole<T = Record<string, unknown>>(
  app: RunningConsole,
  route: string,
  body: unknown,
): Promise<T> {
  const response = await fetch(new URL(route, app.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.ok, `${route} answered ${response.status}`);
  return (await response.json()) as T;
}

/** Calls a resolver function the way the page does; its own refusals come back as `ok: false`. */
export const invokeOnConsole = (app: RunningConsole, key: string, body: unknown) =>
  postToConsole<{ ok: boolean; [key: string]: unknown }>(app, `/__dev/invoke/${key}`, body);
