/**
 * The engine baseline: a dynamic resource that does no I/O at all. Its create/read/diff/delete
 * return at once, so a stack of them measures what the engine itself costs per resource.
 */
import * as pulumi from "@pulumi/pulumi";

interface TrivialInputs {
  label: string;
}

const trivialProvider: pulumi.dynamic.ResourceProvider<TrivialInputs, TrivialInputs> = {
  async create(inputs) {
    return { id: `trivial-${inputs.label}`, outs: { label: inputs.label } };
  },
  async diff(_id, olds, news) {
    return { changes: olds.label !== news.label };
  },
  async read(id, props) {
    return { id, props };
  },
  async update(_id, _olds, news) {
    return { outs: { label: news.label } };
  },
  async delete() {
    // nothing to delete
  },
};

/** A no-op dynamic resource carrying one string. */
export class Trivial extends pulumi.dynamic.Resource {
  constructor(name: string, label: string) {
    super(trivialProvider, name, { label }, {}, "bench", "Trivial");
  }
}
