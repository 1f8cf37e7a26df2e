// Module resolution hook for the built server (registered by bin/vigil.mjs in production):
// adds the "vigil-built" export condition, under which the workspace packages the server
// imports (@vigil/seeds) resolve to their compiled dist/ instead of their TypeScript sources.
export async function resolve(specifier, context, next) {
  return next(specifier, { ...context, conditions: [...context.conditions, 'vigil-built'] });
}
