package main

import (
	"context"
	"fmt"
	"os"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
)

// run runs one operation, streaming the engine's output to stderr; a failure is returned with
// the CLI's message.
func run(ctx context.Context, stack auto.Stack, operation string, flags []string) (*result, error) {
	switch operation {
	case "up":
		res, err := stack.Up(ctx, optup.ProgressStreams(os.Stderr), optup.ShowSecrets(false))
		return &result{Stdout: res.StdOut}, err
	case "preview":
		opts := []optpreview.Option{optpreview.ProgressStreams(os.Stderr)}
		if slices.Contains(flags, "--diff") {
			opts = append(opts, optpreview.Diff())
		}
		if slices.Contains(flags, "--expect-no-changes") {
			opts = append(opts, optpreview.ExpectNoChanges())
		}
		res, err := stack.Preview(ctx, opts...)
		return &result{Stdout: res.StdOut}, err
	case "refresh":
		res, err := stack.Refresh(ctx, optrefresh.ProgressStreams(os.Stderr))
		return &result{Stdout: res.StdOut}, err
	case "destroy":
		res, err := stack.Destroy(ctx, optdestroy.ProgressStreams(os.Stderr))
		return &result{Stdout: res.StdOut}, err
	}
	return nil, fmt.Errorf("unknown operation %q", operation)
}
