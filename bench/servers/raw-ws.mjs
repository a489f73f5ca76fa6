// The physical limit: a `ws` relay that forwards every frame to the other sockets of the same
// path (room), with no CRDT work and no storage. Usage: raw-ws.mjs; prints `READY <json>`.
import { WebSocketServer } from 'ws';

const rooms = new Map();
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
wss.on('connection', (ws, req) => {
  const name = req.url ?? '/';
  let room = rooms.get(name);
  if (!room) rooms.set(name, (room = new Set()));
  room.add(ws);
  ws.on('message', (data, isBinary) => {
    for (const other of room) if (other !== ws && other.readyState === 1) other.send(data, { binary: isBinary });
  });
  ws.on('close', () => {
    room.delete(ws);
    if (room.size === 0) rooms.delete(name);
  });
  ws.on('error', () => ws.terminate());
});
wss.on('listening', () => process.stdout.write(`READY ${JSON.stringify({ url: `ws://127.0.0.1:${wss.address().port}` })}\n`));
