import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Operations live in `.graphql` files beside the code that uses them; components import the generated
 * `…Document` constants, so a page's bundle carries only its own documents.
 */
const config: CodegenConfig = {
  schema: '../shared/schema.graphql',
  documents: ['src/**/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'src/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', JSON: 'unknown', Sequence: { input: 'string | number', output: 'string' } },
      },
    },
  },
};

export default config;
