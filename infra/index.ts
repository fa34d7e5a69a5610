// Entry of the Pulumi program (Pulumi.yaml `main`). Everything it exports becomes a stack output.
import { main } from "./program";

export = main();
