// Smoke test of the test bed's HDFS (real NameNode + DataNode): WebHDFS write/read and Hadoop's own FsShell.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as http from 'node:http';
import { promisify } from 'node:util';
import { requireService } from '../support/testbed';

const exec = promisify(execFile);

/** node:http rather than fetch: the DataNode answers `100 Continue` first, which fetch rejects. */
function request(url: string, method: string, body?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, timeout: 10_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        text += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

describe('HDFS test service', () => {
  const hdfs = requireService('hdfs');
  const webhdfs = hdfs.extra?.webhdfs as string;
  const dir = `/smoke/node-${process.pid}-${Date.now()}`;

  it('is a Hadoop 3.4 namenode on 127.0.0.1', () => {
    assert.match(hdfs.url, /^hdfs:\/\/127\.0\.0\.1:\d+$/);
    assert.match(hdfs.version, /^3\.4\.\d+$/);
    assert.match(webhdfs, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(hdfs.pids.length, 2);
  });

  it('stores a file through the datanode and reads it back (WebHDFS)', async () => {
    const payload = 'snack,count\nChoco Bar,3\n';
    const create = await request(`${webhdfs}/webhdfs/v1${dir}/a.csv?op=CREATE&overwrite=true&user.name=root`, 'PUT');
    assert.equal(create.status, 307);
    const location = String(create.headers.location);
    assert.equal(new URL(location).hostname, '127.0.0.1', 'the datanode must advertise 127.0.0.1');
    assert.equal((await request(location, 'PUT', payload)).status, 201);
    const open = await request(`${webhdfs}/webhdfs/v1${dir}/a.csv?op=OPEN&user.name=root`, 'GET');
    assert.equal(open.status, 307);
    const read = await request(String(open.headers.location), 'GET');
    assert.equal(read.body, payload);
  });

  it('lists the file with Hadoop FsShell (hdfs dfs -ls) over RPC', async () => {
    const [command, ...args] = hdfs.extra?.fsShell as string[];
    const { stdout } = await exec(command, [...args, '-ls', dir], { timeout: 60_000 });
    assert.match(stdout, new RegExp(`${dir}/a\\.csv`));
    await exec(command, [...args, '-rm', '-r', '-skipTrash', dir], { timeout: 60_000 });
  });
});
