/**
 * A deployments file as `script/Deploy.s.sol` writes it, with placeholder addresses (`0x…0n` for n): the perps
 * protocol (kind margin, with its modules) and the lending market. For the readers' tests of abi/src/deployment.ts.
 */
export const exampleAddress = (n: number): `0x${string}` =>
  `0x${n.toString(16).padStart(40, "0")}`;

/** One protocol's entry, its contracts at `first`, `first + 1`, …, `first + 5`. */
export const exampleProtocol = (name: string, kind: string, first: number) => ({
  name,
  kind,
  protocol: exampleAddress(first),
  engine: exampleAddress(first + 1),
  auctionHouse: exampleAddress(first + 2),
  backstop: exampleAddress(first + 3),
  takeCallee: exampleAddress(first + 4),
  vault: exampleAddress(first + 5),
});

export const EXAMPLE_DEPLOYMENT = {
  chainId: 31337,
  startBlock: 12,
  deployer: exampleAddress(99), // written by the deploy script, read by no one
  quote: exampleAddress(1),
  insuranceFund: exampleAddress(5),
  weth: exampleAddress(6),
  wbtc: exampleAddress(7),
  ethFeed: exampleAddress(8),
  btcFeed: exampleAddress(9),
  wethPool: exampleAddress(11),
  wbtcPool: exampleAddress(12),
  waterfall: exampleAddress(15),
  liquidationLens: exampleAddress(24),
  protocols: [
    {
      ...exampleProtocol("perps", "margin", 30),
      portfolioMargin: exampleAddress(22),
      preLiquidation: exampleAddress(23),
    },
    exampleProtocol("lending", "lending", 40),
  ],
  feeds: [exampleAddress(8), exampleAddress(9)],
};
