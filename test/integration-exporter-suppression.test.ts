// The exporter's own requests are never traced, sending from its sender thread (see helpers/suppression-suite.ts).
import { suppressionSuite } from "./helpers/suppression-suite.js";

suppressionSuite(false);
