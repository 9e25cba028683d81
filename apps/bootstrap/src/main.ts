import { buildBootstrapApp } from "./app";

buildBootstrapApp().synth();
