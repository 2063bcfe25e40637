/**
 * dist/sender.cjs: everything that turns records into requests and sends
 * them, in one file of its own, so the preload bundle never loads it.
 * Started as the sender thread (sender-thread.ts), it runs the channel's
 * loop; required on the app's thread, where no thread could be started, it
 * hands out the same Lane to run there.
 */
import { isMainThread, workerData, type MessagePort } from "node:worker_threads";
import { runSenderLoop } from "./worker-loop.js";

export { Lane } from "./lane.js";

interface OurWorkerData {
  axonpushSender?: true;
  exitSignal: SharedArrayBuffer;
  port: MessagePort;
}

const data = workerData as OurWorkerData | undefined;
if (!isMainThread && data?.axonpushSender === true) runSenderLoop(data.port, data.exitSignal);
