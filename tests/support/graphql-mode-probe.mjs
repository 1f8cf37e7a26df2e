// Preloaded into a `vigil` process by tests/cli/production.test.ts (node --import): when the
// process exits, it prints which mode graphql-js chose when the server loaded it. Nothing is
// loaded before then, so the probe cannot itself fix the mode: graphql reads NODE_ENV once,
// at load. The observable is graphql's own: in development mode its `instanceOf` refuses an
// object that merely claims a class's name ("from another module or realm"); in production
// mode it is a plain instanceof, and the same object is simply not a schema.
import { createRequire } from 'node:module';

const fromServer = createRequire(new URL('../../server/package.json', import.meta.url));
process.on('exit', () => {
  const path = fromServer.resolve('graphql');
  if (!fromServer.cache[path]) {
    console.log('graphql-mode: not loaded');
    return;
  }
  const { isSchema } = fromServer('graphql');
  let mode;
  try {
    isSchema({ [Symbol.toStringTag]: 'GraphQLSchema' });
    mode = 'production';
  } catch (error) {
    mode = /from another module or realm/.test(error.message) ? 'development' : `unknown (${error.message})`;
  }
  console.log(`graphql-mode: ${mode}; NODE_ENV=${process.env.NODE_ENV ?? '(unset)'}`);
});
