/**
 * The workflow graph (design.md), compiled with an injected checkpointer and dependencies.
 *
 * task_analyzer -> parallel_coordinator -(Send)-> branch nodes -> sync_point_manager
 * sync_point_manager -> branch_merger | parallel_coordinator | load_balancer | END
 * branch_merger -> quality_validator -> final_integrator | load_balancer | END
 * load_balancer -> parallel_coordinator;  final_integrator -> END
 */
import { END, START, StateGraph, type BaseCheckpointSaver } from "@langchain/langgraph";
import { branchNode } from "./nodes/branch.js";
import { branchMergerNode } from "./nodes/branch-merger.js";
import type { GraphDeps } from "./nodes/define-node.js";
import { finalIntegratorNode } from "./nodes/final-integrator.js";
import { loadBalancerNode } from "./nodes/load-balancer.js";
import { dispatchBranches, parallelCoordinatorNode } from "./nodes/parallel-coordinator.js";
import { qualityValidatorNode } from "./nodes/quality-validator.js";
import { syncPointManagerNode } from "./nodes/sync-point-manager.js";
import { taskAnalyzerNode } from "./nodes/task-analyzer.js";
import { BRANCH_NODES, QUALITY_ROUTES, routeAfterQuality, routeAfterSync, SYNC_ROUTES } from "./routing.js";
import { WorkflowState } from "./state.js";

export function buildWorkflowGraph(deps: GraphDeps, checkpointer?: BaseCheckpointSaver) {
  return new StateGraph(WorkflowState)
    .addNode("task_analyzer", taskAnalyzerNode(deps))
    .addNode("parallel_coordinator", parallelCoordinatorNode(deps))
    .addNode("research_branch_alpha", branchNode("research_branch_alpha", deps))
    .addNode("research_branch_beta", branchNode("research_branch_beta", deps))
    .addNode("research_branch_gamma", branchNode("research_branch_gamma", deps))
    .addNode("analysis_branch_primary", branchNode("analysis_branch_primary", deps))
    .addNode("analysis_branch_secondary", branchNode("analysis_branch_secondary", deps))
    .addNode("sync_point_manager", syncPointManagerNode(deps))
    .addNode("load_balancer", loadBalancerNode(deps))
    .addNode("branch_merger", branchMergerNode(deps))
    .addNode("quality_validator", qualityValidatorNode(deps))
    .addNode("final_integrator", finalIntegratorNode(deps))
    .addEdge(START, "task_analyzer")
    .addEdge("task_analyzer", "parallel_coordinator")
    .addConditionalEdges("parallel_coordinator", dispatchBranches, [...BRANCH_NODES, "sync_point_manager"])
    .addEdge("research_branch_alpha", "sync_point_manager")
    .addEdge("research_branch_beta", "sync_point_manager")
    .addEdge("research_branch_gamma", "sync_point_manager")
    .addEdge("analysis_branch_primary", "sync_point_manager")
    .addEdge("analysis_branch_secondary", "sync_point_manager")
    .addConditionalEdges("sync_point_manager", routeAfterSync, SYNC_ROUTES)
    .addEdge("load_balancer", "parallel_coordinator")
    .addEdge("branch_merger", "quality_validator")
    .addConditionalEdges("quality_validator", routeAfterQuality, QUALITY_ROUTES)
    .addEdge("final_integrator", END)
    .compile({ checkpointer });
}

export type WorkflowGraph = ReturnType<typeof buildWorkflowGraph>;

/** Every node name of the graph, in design order (they appear in the timeline and the graph resource). */
export const NODE_NAMES = [
  "task_analyzer", "parallel_coordinator", ...BRANCH_NODES, "sync_point_manager", "load_balancer",
  "branch_merger", "quality_validator", "final_integrator",
] as const;
