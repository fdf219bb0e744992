// Tests run on the same Node major as the container image. `npm test` puts the pinned
// `node` dev dependency first on PATH; running jest with another node is a setup mistake.
export default function globalSetup(): void {
  const major = Number(process.versions.node.split(".")[0]);
  if (major < 24) {
    throw new Error(
      `tests need Node >= 24 (found ${process.versions.node}); run them with \`npm test\`, which uses the pinned node from node_modules/.bin`,
    );
  }
}
