import { dataOf, startTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

it('answers viewer for the admin token', async () => {
  const response = await server.gql('{ viewer { name role kind tenants { slug } } }');
  expect(dataOf(response)).toEqual({
    viewer: { name: 'admin (SHIPLOG_ADMIN_TOKEN)', role: 'ADMIN', kind: 'API_TOKEN', tenants: null },
  });
});
