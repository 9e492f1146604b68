/**
 * Draws a computation graph into a figure: lays it out (dagre) and replaces the box's content with the SVG.
 * Shared by the chapters' graph figures; imported on demand, with the layout library.
 */
import type { Graph } from '@tensorloom/tensor-core';
import { type LayoutOptions, layoutGraph } from './graph-layout';
import { graphToSvg } from './graph-svg';

export function drawGraph(box: HTMLElement, graph: Graph, description: string, options: LayoutOptions = {}) {
  box.replaceChildren(graphToSvg(layoutGraph(graph, options), description));
}
