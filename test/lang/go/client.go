package main

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/pulumi-dcr/pulumi-dcr/sdk/go/dcr"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// registerClient registers one dcr.Client from camelCase schema args (JSON values) and exports the
// named outputs, prefixed with the resource name when prefixed.
func registerClient(ctx *pulumi.Context, name string, raw map[string]interface{}, exports []string, prefixed bool) error {
	args := &dcr.ClientArgs{}
	fields := reflect.ValueOf(args).Elem()
	for key, value := range raw {
		field := fields.FieldByName(goName(key))
		if !field.IsValid() {
			return fmt.Errorf("dcr.ClientArgs has no field for %q", key)
		}
		input, err := inputFor(value, field.Type())
		if err != nil {
			return fmt.Errorf("argument %q: %w", key, err)
		}
		field.Set(input)
	}
	client, err := dcr.NewClient(ctx, name, args)
	if err != nil {
		return err
	}
	outputs := reflect.ValueOf(client).Elem()
	for _, key := range exports {
		field := outputs.FieldByName(goName(key))
		output, ok := field.Interface().(pulumi.Output)
		if !field.IsValid() || !ok {
			return fmt.Errorf("dcr.Client has no output %q", key)
		}
		if prefixed {
			key = name + "." + key
		}
		ctx.Export(key, output)
	}
	return nil
}

// goName is the Go SDK's name for a schema property: clientName -> ClientName.
func goName(key string) string {
	return strings.ToUpper(key[:1]) + key[1:]
}

// inputFor turns a JSON value into the pulumi input the field's type accepts.
func inputFor(value interface{}, want reflect.Type) (reflect.Value, error) {
	var candidates []pulumi.Input
	switch v := value.(type) {
	case string: // a plain string, or one of the schema's string enums
		candidates = []pulumi.Input{pulumi.String(v), dcr.KeyAlgorithm(v), dcr.RedirectUpdateMode(v), dcr.UpdateMethod(v)}
	case bool:
		candidates = []pulumi.Input{pulumi.Bool(v)}
	case float64:
		candidates = []pulumi.Input{pulumi.Int(int(v)), pulumi.Float64(v)}
	case []interface{}:
		if texts, ok := allStrings(v); ok {
			candidates = append(candidates, pulumi.ToStringArray(texts))
		}
		candidates = append(candidates, pulumi.ToArray(v))
	case map[string]interface{}:
		candidates = []pulumi.Input{pulumi.ToMap(v)}
	}
	for _, c := range candidates {
		if c != nil && reflect.TypeOf(c).AssignableTo(want) {
			return reflect.ValueOf(c), nil
		}
	}
	return reflect.Value{}, fmt.Errorf("a JSON %T does not fit %s", value, want)
}

// allStrings is v as []string when every element is a string.
func allStrings(v []interface{}) ([]string, bool) {
	out := make([]string, 0, len(v))
	for _, e := range v {
		text, ok := e.(string)
		if !ok {
			return nil, false
		}
		out = append(out, text)
	}
	return out, true
}
