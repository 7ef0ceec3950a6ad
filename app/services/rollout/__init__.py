"""Pilot choice and rollout plans: priorities, the pilot cluster, stored plans, their projection,
map layer and XLSX export.

Public: ``priorities``, ``area_figures``, ``choose_pilot``, ``PilotRequest``, ``Scope``
(priorities); ``create_plan``, ``update_plan``, ``delete_plan``, ``get_plan``, ``list_plans``,
``PlanInput``, ``WaveInput`` (plans); ``plan_projection``, ``plan_geojson`` (output);
``export_plan_xlsx`` (export); ``priority_out`` (ranking: a ranked area as clients show it);
``RolloutView`` (protected: how figures reach a role without person access). ``reach``
answers what a pilot area already has.
"""

from app.services.rollout.export import export_plan_xlsx
from app.services.rollout.output import plan_geojson, plan_projection
from app.services.rollout.plans import (
    PlanInput,
    WaveInput,
    create_plan,
    delete_plan,
    get_plan,
    list_plans,
    update_plan,
)
from app.services.rollout.priorities import (
    PilotRequest,
    area_figures,
    choose_pilot,
    priorities,
)
from app.services.rollout.protected import RolloutView
from app.services.rollout.ranking import priority_out
from app.services.rollout.scope import Scope

__all__ = ["PilotRequest", "PlanInput", "RolloutView", "Scope", "WaveInput", "area_figures",
           "choose_pilot", "create_plan", "delete_plan", "export_plan_xlsx", "get_plan",
           "list_plans", "plan_geojson", "plan_projection", "priorities", "priority_out",
           "update_plan"]
