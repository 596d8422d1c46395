/** Registers the settings handlers with @forge/resolver: one resolver function per action. */
import Resolver from '@forge/resolver';
import type { SettingsHandlers } from '../settings/handlers';

export function createResolver(handlers: SettingsHandlers) {
  const resolver = new Resolver();
  for (const [key, handle] of Object.entries(handlers)) {
    // Only `context` is passed on: identity is read from it, never from the payload.
    resolver.define(key, ({ payload, context }) => handle(context, payload));
  }
  return resolver.getDefinitions();
}
