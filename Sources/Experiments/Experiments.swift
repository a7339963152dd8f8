// Experiments: specs, sweeps and the runner.
