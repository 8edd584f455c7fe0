import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { specializationParameters } from "../../src/agents/specialization.js";
import type { Capability, TaskRequirements } from "../../src/domain/agent-specification.js";

const tpl = (capabilities: Capability[], default_parameters: Record<string, unknown> = {}) => ({ capabilities, default_parameters });
const req = (extra: Partial<TaskRequirements> = {}): TaskRequirements => ({ task_description: "do the task", ...extra });

const COMMON_DEFAULTS = { quality_threshold: 0.8, response_time_target: 300, iteration_limit: 3 };

describe("specializationParameters", () => {
  test("research defaults", () => {
    assert.deepEqual(specializationParameters(tpl(["research"]), req()), {
      research_focus: "general", depth_level: "standard", data_sources: [], fact_checking_enabled: true, ...COMMON_DEFAULTS,
    });
  });

  test("research from the task's requirements", () => {
    const p = specializationParameters(tpl(["research"]), req({
      domain: "market", detail_level: "comprehensive", preferred_sources: ["a.txt", "b.txt"], verify_facts: false,
    }));
    assert.equal(p.research_focus, "market");
    assert.equal(p.depth_level, "comprehensive");
    assert.deepEqual(p.data_sources, ["a.txt", "b.txt"]);
    assert.equal(p.fact_checking_enabled, false);
  });

  test("analysis defaults and requirements", () => {
    assert.deepEqual(specializationParameters(tpl(["analysis"]), req()), {
      analysis_framework: "comprehensive", statistical_methods: [], visualization_preferences: [], confidence_level: 0.95, ...COMMON_DEFAULTS,
    });
    const p = specializationParameters(tpl(["analysis"]), req({
      methodology: "trend", stats_required: ["mean"], charts: ["line"], confidence_level: 0.99,
    }));
    assert.deepEqual(
      [p.analysis_framework, p.statistical_methods, p.visualization_preferences, p.confidence_level],
      ["trend", ["mean"], ["line"], 0.99],
    );
  });

  test("synthesis defaults and requirements", () => {
    assert.deepEqual(specializationParameters(tpl(["synthesis"]), req()), {
      synthesis_style: "executive", audience_level: "expert", length_target: "medium", citation_style: "apa", ...COMMON_DEFAULTS,
    });
    const p = specializationParameters(tpl(["synthesis"]), req({ output_style: "narrative", audience: "general", length: "short", citations: "mla" }));
    assert.deepEqual(
      [p.synthesis_style, p.audience_level, p.length_target, p.citation_style],
      ["narrative", "general", "short", "mla"],
    );
  });

  test("every agent gets quality threshold, response time target and iteration limit", () => {
    for (const caps of [["validation"], ["coordination", "monitoring"], ["research"]] as Capability[][]) {
      const p = specializationParameters(tpl(caps), req({ quality_requirement: 0.9, time_limit: 60, max_iterations: 5 }));
      assert.equal(p.quality_threshold, 0.9);
      assert.equal(p.response_time_target, 60);
      assert.equal(p.iteration_limit, 5);
    }
    assert.deepEqual(specializationParameters(tpl(["validation"]), req()), COMMON_DEFAULTS);
  });

  test("falsy but given requirements still win over defaults", () => {
    const p = specializationParameters(tpl(["research"], { quality_threshold: 0.7 }), req({ quality_requirement: 0, preferred_sources: [] }));
    assert.equal(p.quality_threshold, 0);
    assert.deepEqual(p.data_sources, []);
  });

  test("template defaults sit underneath, the task's requirements win", () => {
    const template = tpl(["research"], {
      research_focus: "technical", depth_level: "brief", fact_checking_enabled: false, quality_threshold: 0.6, iteration_limit: 7, tone: "dry",
    });
    const p = specializationParameters(template, req({ domain: "competitive", quality_requirement: 0.95 }));
    assert.deepEqual(p, {
      research_focus: "competitive", // task wins
      depth_level: "brief", // template default
      data_sources: [], // built-in default
      fact_checking_enabled: false, // template default
      quality_threshold: 0.95, // task wins
      response_time_target: 300,
      iteration_limit: 7, // template default
      tone: "dry", // extra template parameter passes through
    });
  });

  test("a template with research and analysis gets both sets", () => {
    const p = specializationParameters(tpl(["research", "analysis"]), req({ domain: "market", methodology: "comparative" }));
    assert.deepEqual(Object.keys(p).sort(), [
      "analysis_framework", "confidence_level", "data_sources", "depth_level", "fact_checking_enabled", "iteration_limit",
      "quality_threshold", "research_focus", "response_time_target", "statistical_methods", "visualization_preferences",
    ]);
    assert.equal(p.research_focus, "market");
    assert.equal(p.analysis_framework, "comparative");
  });

  test("a research-only template gets no analysis or synthesis keys, even when the task gives them", () => {
    const p = specializationParameters(tpl(["research"]), req({ methodology: "trend", confidence_level: 0.9, output_style: "brief" }));
    for (const key of ["analysis_framework", "statistical_methods", "visualization_preferences", "confidence_level", "synthesis_style", "citation_style"]) {
      assert.ok(!(key in p), `unexpected ${key}`);
    }
  });

  test("does not modify the template's default parameters", () => {
    const defaults = { research_focus: "technical" };
    specializationParameters(tpl(["research"], defaults), req({ domain: "market" }));
    assert.deepEqual(defaults, { research_focus: "technical" });
  });
});
