/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "mutation SignIn($input: SignInInput!) {\n  signIn(input: $input) {\n    token\n    expiresAt\n    user {\n      id\n      username\n      role\n    }\n  }\n}\n\nmutation SignOut {\n  signOut\n}\n\nquery Viewer {\n  viewer {\n    id\n    kind\n    name\n    role\n    tenants {\n      id\n      slug\n      name\n    }\n  }\n}": typeof types.SignInDocument,
    "fragment TenantRow_tenant on Tenant {\n  id\n  slug\n  name\n  blocked\n  installationCount\n  labels {\n    key\n    value\n  }\n}": typeof types.TenantRow_TenantFragmentDoc,
    "query Tenants($first: Int!, $after: String, $filter: TenantFilter) {\n  tenants(first: $first, after: $after, filter: $filter) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      id\n      ...TenantRow_tenant\n    }\n  }\n}": typeof types.TenantsDocument,
};
const documents: Documents = {
    "mutation SignIn($input: SignInInput!) {\n  signIn(input: $input) {\n    token\n    expiresAt\n    user {\n      id\n      username\n      role\n    }\n  }\n}\n\nmutation SignOut {\n  signOut\n}\n\nquery Viewer {\n  viewer {\n    id\n    kind\n    name\n    role\n    tenants {\n      id\n      slug\n      name\n    }\n  }\n}": types.SignInDocument,
    "fragment TenantRow_tenant on Tenant {\n  id\n  slug\n  name\n  blocked\n  installationCount\n  labels {\n    key\n    value\n  }\n}": types.TenantRow_TenantFragmentDoc,
    "query Tenants($first: Int!, $after: String, $filter: TenantFilter) {\n  tenants(first: $first, after: $after, filter: $filter) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      id\n      ...TenantRow_tenant\n    }\n  }\n}": types.TenantsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SignIn($input: SignInInput!) {\n  signIn(input: $input) {\n    token\n    expiresAt\n    user {\n      id\n      username\n      role\n    }\n  }\n}\n\nmutation SignOut {\n  signOut\n}\n\nquery Viewer {\n  viewer {\n    id\n    kind\n    name\n    role\n    tenants {\n      id\n      slug\n      name\n    }\n  }\n}"): (typeof documents)["mutation SignIn($input: SignInInput!) {\n  signIn(input: $input) {\n    token\n    expiresAt\n    user {\n      id\n      username\n      role\n    }\n  }\n}\n\nmutation SignOut {\n  signOut\n}\n\nquery Viewer {\n  viewer {\n    id\n    kind\n    name\n    role\n    tenants {\n      id\n      slug\n      name\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment TenantRow_tenant on Tenant {\n  id\n  slug\n  name\n  blocked\n  installationCount\n  labels {\n    key\n    value\n  }\n}"): (typeof documents)["fragment TenantRow_tenant on Tenant {\n  id\n  slug\n  name\n  blocked\n  installationCount\n  labels {\n    key\n    value\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Tenants($first: Int!, $after: String, $filter: TenantFilter) {\n  tenants(first: $first, after: $after, filter: $filter) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      id\n      ...TenantRow_tenant\n    }\n  }\n}"): (typeof documents)["query Tenants($first: Int!, $after: String, $filter: TenantFilter) {\n  tenants(first: $first, after: $after, filter: $filter) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      id\n      ...TenantRow_tenant\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;