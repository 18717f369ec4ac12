"""Forward a loopback port to another address: a database that can be unplugged.

    python .ci/tcp_proxy.py LISTEN_PORT TARGET_HOST:TARGET_PORT

.ci/production-check points a gunicorn instance's DATABASE_URL at this proxy,
then kills it (every open connection breaks, new ones are refused) and starts
it again, to show /readyz failing and recovering without touching the
PostgreSQL server that other test runs share.
"""

import asyncio
import sys


async def pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def main(listen_port, target_host, target_port):
    async def handle(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection(target_host, target_port)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pipe(client_reader, server_writer), pipe(server_reader, client_writer))

    server = await asyncio.start_server(handle, "127.0.0.1", listen_port)
    print(f"tcp_proxy: 127.0.0.1:{listen_port} -> {target_host}:{target_port}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    host, _, port = sys.argv[2].rpartition(":")
    asyncio.run(main(int(sys.argv[1]), host, int(port)))
