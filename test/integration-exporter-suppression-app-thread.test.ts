// The exporter's own requests are never traced, sending from the app's thread, as where no
// sender thread can run: tracing is suppressed around each try (see helpers/suppression-suite.ts).
import { suppressionSuite } from "./helpers/suppression-suite.js";

suppressionSuite(true);
