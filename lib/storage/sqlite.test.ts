import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStorage } from '.';
import { storageContract } from './contract';

storageContract('sqlite', () => openStorage({ sqliteFile: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-store-')), 'test.db') }));
