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
    "fragment ReleaseComponents_release on Release {\n  id\n  components {\n    id\n    stage\n    instructions\n    application {\n      id\n      slug\n      name\n    }\n    artifact {\n      id\n      version\n      imageRef\n      commitSha\n      buildUrl\n    }\n  }\n}": typeof types.ReleaseComponents_ReleaseFragmentDoc,
    "fragment ReleaseRow_release on Release {\n  id\n  version\n  status\n  artifactSelection\n  createdAt\n  lockedAt\n}": typeof types.ReleaseRow_ReleaseFragmentDoc,
    "query Release($id: ID!) {\n  release(id: $id) {\n    id\n    version\n    status\n    statusReason\n    artifactSelection\n    instructions\n    lockedAt\n    lockedBy\n    createdAt\n    createdBy\n    lockBlockers\n    track {\n      id\n      slug\n      name\n    }\n    ...ReleaseComponents_release\n  }\n}\n\nmutation LockRelease($input: LockReleaseInput!) {\n  lockRelease(input: $input) {\n    id\n    status\n    lockedAt\n    lockedBy\n    lockBlockers\n    artifactSelection\n  }\n}": typeof types.ReleaseDocument,
    "query ReleaseTrack($slug: String!, $first: Int!, $after: String, $filter: ReleaseFilter) {\n  releaseTrack(slug: $slug) {\n    id\n    slug\n    name\n    description\n    releases(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        ...ReleaseRow_release\n      }\n    }\n  }\n}": typeof types.ReleaseTrackDocument,
    "query ReleaseTracks {\n  releaseTracks {\n    id\n    slug\n    name\n    description\n  }\n}": typeof types.ReleaseTracksDocument,
    "fragment TenantRow_tenant on Tenant {\n  id\n  slug\n  name\n  blocked\n  installationCount\n  labels {\n    key\n    value\n  }\n}": typeof types.TenantRow_TenantFragmentDoc,
    "query Tenants($first: Int!, $after: String, $filter: TenantFilter) {\n  tenants(first: $first, after: $after, filter: $filter) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      id\n      ...TenantRow_tenant\n    }\n  }\n}": typeof types.TenantsDocument,
};
const documents: Documents = {
    "mutation SignIn($input: SignInInput!) {\n  signIn(input: $input) {\n    token\n    expiresAt\n    user {\n      id\n      username\n      role\n    }\n  }\n}\n\nmutation SignOut {\n  signOut\n}\n\nquery Viewer {\n  viewer {\n    id\n    kind\n    name\n    role\n    tenants {\n      id\n      slug\n      name\n    }\n  }\n}": types.SignInDocument,
    "fragment ReleaseComponents_release on Release {\n  id\n  components {\n    id\n    stage\n    instructions\n    application {\n      id\n      slug\n      name\n    }\n    artifact {\n      id\n      version\n      imageRef\n      commitSha\n      buildUrl\n    }\n  }\n}": types.ReleaseComponents_ReleaseFragmentDoc,
    "fragment ReleaseRow_release on Release {\n  id\n  version\n  status\n  artifactSelection\n  createdAt\n  lockedAt\n}": types.ReleaseRow_ReleaseFragmentDoc,
    "query Release($id: ID!) {\n  release(id: $id) {\n    id\n    version\n    status\n    statusReason\n    artifactSelection\n    instructions\n    lockedAt\n    lockedBy\n    createdAt\n    createdBy\n    lockBlockers\n    track {\n      id\n      slug\n      name\n    }\n    ...ReleaseComponents_release\n  }\n}\n\nmutation LockRelease($input: LockReleaseInput!) {\n  lockRelease(input: $input) {\n    id\n    status\n    lockedAt\n    lockedBy\n    lockBlockers\n    artifactSelection\n  }\n}": types.ReleaseDocument,
    "query ReleaseTrack($slug: String!, $first: Int!, $after: String, $filter: ReleaseFilter) {\n  releaseTrack(slug: $slug) {\n    id\n    slug\n    name\n    description\n    releases(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        ...ReleaseRow_release\n      }\n    }\n  }\n}": types.ReleaseTrackDocument,
    "query ReleaseTracks {\n  releaseTracks {\n    id\n    slug\n    name\n    description\n  }\n}": types.ReleaseTracksDocument,
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
export function graphql(source: "fragment ReleaseComponents_release on Release {\n  id\n  components {\n    id\n    stage\n    instructions\n    application {\n      id\n      slug\n      name\n    }\n    artifact {\n      id\n      version\n      imageRef\n      commitSha\n      buildUrl\n    }\n  }\n}"): (typeof documents)["fragment ReleaseComponents_release on Release {\n  id\n  components {\n    id\n    stage\n    instructions\n    application {\n      id\n      slug\n      name\n    }\n    artifact {\n      id\n      version\n      imageRef\n      commitSha\n      buildUrl\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment ReleaseRow_release on Release {\n  id\n  version\n  status\n  artifactSelection\n  createdAt\n  lockedAt\n}"): (typeof documents)["fragment ReleaseRow_release on Release {\n  id\n  version\n  status\n  artifactSelection\n  createdAt\n  lockedAt\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Release($id: ID!) {\n  release(id: $id) {\n    id\n    version\n    status\n    statusReason\n    artifactSelection\n    instructions\n    lockedAt\n    lockedBy\n    createdAt\n    createdBy\n    lockBlockers\n    track {\n      id\n      slug\n      name\n    }\n    ...ReleaseComponents_release\n  }\n}\n\nmutation LockRelease($input: LockReleaseInput!) {\n  lockRelease(input: $input) {\n    id\n    status\n    lockedAt\n    lockedBy\n    lockBlockers\n    artifactSelection\n  }\n}"): (typeof documents)["query Release($id: ID!) {\n  release(id: $id) {\n    id\n    version\n    status\n    statusReason\n    artifactSelection\n    instructions\n    lockedAt\n    lockedBy\n    createdAt\n    createdBy\n    lockBlockers\n    track {\n      id\n      slug\n      name\n    }\n    ...ReleaseComponents_release\n  }\n}\n\nmutation LockRelease($input: LockReleaseInput!) {\n  lockRelease(input: $input) {\n    id\n    status\n    lockedAt\n    lockedBy\n    lockBlockers\n    artifactSelection\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ReleaseTrack($slug: String!, $first: Int!, $after: String, $filter: ReleaseFilter) {\n  releaseTrack(slug: $slug) {\n    id\n    slug\n    name\n    description\n    releases(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        ...ReleaseRow_release\n      }\n    }\n  }\n}"): (typeof documents)["query ReleaseTrack($slug: String!, $first: Int!, $after: String, $filter: ReleaseFilter) {\n  releaseTrack(slug: $slug) {\n    id\n    slug\n    name\n    description\n    releases(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        ...ReleaseRow_release\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ReleaseTracks {\n  releaseTracks {\n    id\n    slug\n    name\n    description\n  }\n}"): (typeof documents)["query ReleaseTracks {\n  releaseTracks {\n    id\n    slug\n    name\n    description\n  }\n}"];
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