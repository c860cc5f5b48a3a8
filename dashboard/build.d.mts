/** Types of build.mjs for the TypeScript that imports it (src/node/dashboard-assets.ts). */
export declare const DASHBOARD_INPUTS: string[];
export declare function buildDashboard(options: {
  root: string;
  outdir?: string;
  write?: boolean;
}): Promise<Map<string, Uint8Array>>;
