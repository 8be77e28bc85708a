// Command driver runs ONE Pulumi operation on a stack whose inline Go program registers DcrClients
// through the generated Go SDK (dcr.NewClient), with the Automation API.
//
//	driver SPEC.json up|preview|refresh|destroy [--diff] [--expect-no-changes]
//
// SPEC.json (written by test/support/lang-stack.ts) holds project, stack, workDir, config
// ({"dcr:initialAccessToken": {"value": "...", "secret": true}}), resources ({"<name>": {<Client args,
// camelCase as in the schema>}}) and exports (the Client outputs to export, camelCase; as
// "<name>.<output>" when there are several resources). The environment gives the rest: PULUMI_HOME,
// PULUMI_BACKEND_URL (a file:// backend), PULUMI_CONFIG_PASSPHRASE, PATH (the pulumi CLI) and what
// the provider reads (DCR_NOW). The engine's output streams to stderr; the last line on stdout is
// JSON {"stdout": <the CLI's stdout>}. Outputs are read by the caller with `pulumi stack output --json --show-secrets`.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

type configValue struct {
	Value  string `json:"value"`
	Secret bool   `json:"secret"`
}

type spec struct {
	Project   string                            `json:"project"`
	Stack     string                            `json:"stack"`
	WorkDir   string                            `json:"workDir"`
	Config    map[string]configValue            `json:"config"`
	Resources map[string]map[string]interface{} `json:"resources"`
	Exports   []string                          `json:"exports"`
}

// result is what the driver prints as its last line: the CLI's stdout of the operation.
type result struct {
	Stdout string `json:"stdout"`
}

func main() {
	if len(os.Args) < 3 {
		fail(fmt.Errorf("usage: driver SPEC.json up|preview|refresh|destroy [--diff] [--expect-no-changes]"))
	}
	s, err := readSpec(os.Args[1])
	if err != nil {
		fail(err)
	}
	ctx := context.Background()
	stack, err := stackFor(ctx, s)
	if err != nil {
		fail(err)
	}
	out, err := run(ctx, stack, os.Args[2], os.Args[3:])
	if err != nil {
		fail(err)
	}
	line, err := json.Marshal(out)
	if err != nil {
		fail(err)
	}
	fmt.Println(string(line))
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "driver: %v\n", err)
	os.Exit(1)
}

func readSpec(file string) (*spec, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var s spec
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return &s, nil
}

// stackFor creates or selects the stack in the spec's work dir, with the spec's config.
func stackFor(ctx context.Context, s *spec) (auto.Stack, error) {
	opts := []auto.LocalWorkspaceOption{
		auto.WorkDir(s.WorkDir),
		auto.Project(workspace.Project{Name: tokens.PackageName(s.Project), Runtime: workspace.NewProjectRuntimeInfo("go", nil)}),
	}
	if home := os.Getenv("PULUMI_HOME"); home != "" {
		opts = append(opts, auto.PulumiHome(home))
	}
	stack, err := auto.UpsertStackInlineSource(ctx, s.Stack, s.Project, programFor(s), opts...)
	if err != nil {
		return stack, err
	}
	config := auto.ConfigMap{}
	for key, c := range s.Config {
		config[key] = auto.ConfigValue{Value: c.Value, Secret: c.Secret}
	}
	if len(config) > 0 {
		err = stack.SetAllConfig(ctx, config)
	}
	return stack, err
}

// programFor is the inline program: one Client per resource, and the requested outputs exported.
func programFor(s *spec) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		names := make([]string, 0, len(s.Resources))
		for name := range s.Resources {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			if err := registerClient(ctx, name, s.Resources[name], s.Exports, len(names) > 1); err != nil {
				return err
			}
		}
		return nil
	}
}
