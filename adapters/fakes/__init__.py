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


class LoopbackHttpServer:
    """
    Base of the HTTP fakes: ``async with`` serves the routes that ``add_routes`` registers.

    Parameters
    ----------
    port : int, default 0
        The TCP port to bind (0: an ephemeral one).

    """

    def __init__(self, port: int = 0) -> None:
        self.port = port
        self.base_url = ""
        self._runner: web.AppRunner | None = None

    def add_routes(self, app: web.Application) -> None:
        """
        Register the fake's routes on `app` (implemented by each fake).
        """
        raise NotImplementedError

    async def __aenter__(self):
        app = web.Application()
        self.add_routes(app)
        self._runner, port = await serve_loopback(app, self.port)
        self.base_url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
