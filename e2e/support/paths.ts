import path from 'node:path';

export const repositoryRoot = path.resolve(import.meta.dirname, '..', '..');
export const artifactsDir = path.join(repositoryRoot, 'e2e', 'artifacts');
export const serverMain = path.join(repositoryRoot, 'server', 'dist', 'main.js');
export const webIndex = path.join(repositoryRoot, 'web', 'dist', 'index.html');
