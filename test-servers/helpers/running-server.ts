/** What a started server tells the tests, and how to stop it. */
import { randomBytes } from "node:crypto";

export interface RunningServer {
  host: string;
  port: number;
  user?: string;
  /** Random for each start: the tests check that no span carries it. */
  password?: string;
  database?: string;
  /** A connection string with the password in it, as apps configure clients. */
  url: string;
  /** Stops the server and deletes its data directory. */
  stop(): Promise<void>;
}

/** A password no span could hold by chance. */
export const secretFor = (server: string) => `${server}-pw-${randomBytes(9).toString("hex")}`;
