import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSdl } from '@vigil/server';
import { buildSchema, isEnumType, isInputObjectType, isInterfaceType, isObjectType, isScalarType } from 'graphql';
import { describe, expect, it } from 'vitest';

const sdlFile = fileURLToPath(new URL('../../schema/schema.graphql', import.meta.url));

describe('the SDL in schema/schema.graphql', () => {
  it('is what the server emits now (run `pnpm schema` after changing the API)', async () => {
    expect(readFileSync(sdlFile, 'utf8')).toBe(await printSdl());
  });

  it('describes every type, field, argument and enum value', () => {
    const schema = buildSchema(readFileSync(sdlFile, 'utf8'));
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue;
      if (!type.description) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : [])
            if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
      if (isEnumType(type)) for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
      if (isScalarType(type) && !type.description) missing.push(type.name);
    }
    expect(missing).toEqual([]);
  });
});
