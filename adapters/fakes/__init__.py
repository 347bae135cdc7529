"""Loopback fake venues: Polymarket CLOB/market WebSocket/Gamma and Binance USDT-M."""
