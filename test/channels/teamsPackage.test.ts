import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AdmZip from 'adm-zip';
import { z } from 'zod';
import { runNode } from '../support/process';

const appId = '3f2b8c1d-4e5a-4b6c-8d7e-9f0a1b2c3d4e';
const https = z.url({ protocol: /^https$/ });

/** The fields Teams checks when an app is uploaded (manifest schema 1.17). */
const manifestSchema = z.object({
  $schema: z.literal('https://developer.microsoft.com/en-us/json-schemas/teams/v1.17/MicrosoftTeams.schema.json'),
  manifestVersion: z.literal('1.17'),
  version: z.string().regex(/^\d+\.\d+\.\d+$/),
  id: z.literal(appId),
  developer: z.object({ name: z.string().min(1).max(32), websiteUrl: https, privacyUrl: https, termsOfUseUrl: https }),
  name: z.object({ short: z.string().min(1).max(30), full: z.string().max(100) }),
  description: z.object({ short: z.string().min(1).max(80), full: z.string().min(1).max(4000) }),
  icons: z.object({ color: z.literal('color.png'), outline: z.literal('outline.png') }),
  accentColor: z.string().regex(/^#[0-9A-Fa-f]{6}$/),
  bots: z
    .array(
      z.object({
        botId: z.literal(appId),
        scopes: z.array(z.enum(['personal', 'team', 'groupChat'])).min(1),
        commandLists: z.array(
          z.object({ commands: z.array(z.object({ title: z.string().max(32), description: z.string().max(128) })).max(10) }),
        ),
      }),
    )
    .length(1),
});

/** Width, height and colour type from a PNG's header. */
function pngInfo(png: Buffer) {
  expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), colorType: png[25] };
}

describe('npm run teams:package', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'teams-package-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes a zip with a valid manifest for the configured MicrosoftAppId and both icons', async () => {
    const output = path.join(dir, 'app.zip');
    const { code, stdout } = await runNode('cli/teamsPackage.js', {
      env: { MicrosoftAppId: appId, TEAMS_DEVELOPER_URL: 'https://charger.example' },
      args: [output],
    }).finished;
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(output);

    const zip = new AdmZip(output);
    expect(
      zip
        .getEntries()
        .map((entry) => entry.entryName)
        .sort(),
    ).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifest = manifestSchema.parse(JSON.parse(zip.readAsText('manifest.json')));
    expect(manifest.developer.privacyUrl).toBe('https://charger.example/privacy');
    expect(pngInfo(zip.readFile('color.png')!)).toEqual({ width: 192, height: 192, colorType: 6 });
    expect(pngInfo(zip.readFile('outline.png')!)).toEqual({ width: 32, height: 32, colorType: 6 });
  });

  it('keeps the developer URL’s query in the privacy and terms links, takes a raised version, and warns about placeholders', async () => {
    const output = path.join(dir, 'raised.zip');
    const { code, stderr } = await runNode('cli/teamsPackage.js', {
      env: {
        MicrosoftAppId: appId,
        TEAMS_DEVELOPER_URL: 'https://charger.example/en?ref=teams',
        TEAMS_APP_VERSION: '1.2.3',
        TEAMS_ALLOWED_TENANT_IDS: '',
      },
      args: [output],
    }).finished;
    expect(code).toBe(0);
    const manifest = manifestSchema.parse(JSON.parse(new AdmZip(output).readAsText('manifest.json')));
    expect(manifest.version).toBe('1.2.3');
    expect(manifest.developer.privacyUrl).toBe('https://charger.example/en/privacy?ref=teams');
    expect(manifest.developer.termsOfUseUrl).toBe('https://charger.example/en/terms?ref=teams');
    expect(stderr).toContain('TEAMS_ALLOWED_TENANT_IDS is empty');
    expect(stderr).toContain('TEAMS_DEVELOPER_NAME is the placeholder');
    expect(stderr).not.toContain('TEAMS_DEVELOPER_URL is the placeholder');
  });

  it('refuses to write a package without a MicrosoftAppId', async () => {
    const { code, stderr } = await runNode('cli/teamsPackage.js', { env: { MicrosoftAppId: '' }, args: [path.join(dir, 'none.zip')] })
      .finished;
    expect(code).toBe(1);
    expect(stderr).toContain('MicrosoftAppId');
    expect(fs.existsSync(path.join(dir, 'none.zip'))).toBe(false);
  });
});
