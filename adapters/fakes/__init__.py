"""Loopback fake venues: Polymarket CLOB/market WebSocket/Gamma and Binance USDT-M."""

from aiohttp import web


async def serve_loopback(
    app: web.Application, port: int | None = None
) -> tuple[web.AppRunner, int]:
    """
    Serve `app` on 127.0.0.1 (`port`, or an ephemeral one) and return the runner and the port.
    """
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port or 0).start()
    return runner, runner.addresses[0][1]
