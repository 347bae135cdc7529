"""The paper/live TradingNode: credentials from the environment and the node builder."""
