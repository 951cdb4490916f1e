"""OWL 2 RL reasoning: one public surface over two engines, owlrl (the reference) and the fast one.

This package only re-exports.  The engine names (:data:`DEFAULT_REASONER`, :data:`REASONERS`)
are imported eagerly because they are free of rdflib (the CLI and :mod:`milia_kg.query` need
them without loading rdflib); everything else is imported on first access.

- :mod:`~milia_kg.reasoner._names`: the engine names and the default one;
- :mod:`~milia_kg.reasoner._infer`: :func:`reason`, :func:`infer`, :func:`check_consistent` on
  rdflib graphs with either engine, and what is stripped as owlrl noise;
- :mod:`~milia_kg.reasoner.fast`: the fast engine's entry point (any term library);
- :mod:`~milia_kg.reasoner.on_oxigraph`: the reasoning step of :func:`reason` on pyoxigraph
  triples (kept merge stores); ``_edges``: the part-of restriction edges, for both;
- :mod:`~milia_kg.reasoner.budget`: a merge's deadline and cap on its closure, checked while reasoning;
- ``_engine``, ``_schema``, ``_checks``, ``_datatypes``, ``_valuespace``, ``_terms``: the fast
  engine's rule handlers, clash checks, datatype rules and term encoding.

**Rules.**  The OWL 2 RL/RDF rules (owlrl's names: tables 4-9 of the profile, plus owlrl's
one-time rules) and where the fast engine evaluates them.  The engine is semi-naive: a rule
runs when one of its premises arrives, so a rule whose premises are a schema triple and an
instance triple has two entry points, the schema handler in ``_schema`` (the axiom arrived)
and the instance handler on ``_engine.Engine`` (the data triple arrived).  Clash rules run once
on the fixpoint (``_checks.inconsistencies``); the three rules the project never triggers run by
brute force (``_checks.slow_rules``).  Each function names its rules in comments;
tests/reasoner/test_reasoner_rules.py checks this table against them.  Not materialised: eq-ref (one
``x owl:sameAs x`` per term, which :func:`infer` would strip).

============  ===============================================================
rule          implemented in (module.function)
============  ===============================================================
cax-adc       _checks.inconsistencies
cax-dw        _checks.inconsistencies
cax-eqc1      _engine.Engine._drain, _schema._equivalent_class
cax-eqc2      _engine.Engine._drain, _schema._equivalent_class
cax-sco       _engine.Engine._drain, _schema._subclass_handler
cls-avf       _engine.Engine._property_rules, _engine.Engine._special_type_rules,
              _schema._restriction_instances
cls-com       _checks.inconsistencies
cls-hv1       _engine.Engine._special_type_rules, _schema._restriction_instances
cls-hv2       _engine.Engine._property_rules, _schema._restriction_instances
cls-int1      _engine.Engine._special_type_rules, _schema._intersection
cls-int2      _engine.Engine._special_type_rules, _schema._intersection
cls-maxc1     _checks.inconsistencies
cls-maxc2     _checks.slow_rules
cls-maxqc1    _checks.inconsistencies
cls-maxqc2    _checks.inconsistencies
cls-maxqc3    _checks.slow_rules
cls-maxqc4    _checks.slow_rules
cls-nothing1  _datatypes.one_time_triples
cls-nothing2  _checks.inconsistencies
cls-oo        _schema._one_of
cls-svf1      _engine.Engine._property_rules, _engine.Engine._special_type_rules,
              _schema._restriction_instances
cls-svf2      _engine.Engine._property_rules, _schema._restriction_instances
cls-thing     _datatypes.one_time_triples
cls-uni       _engine.Engine._special_type_rules, _schema._union
dt-not-type   _checks.inconsistencies, _datatypes.one_time_triples,
              _infer._datatype_clashes, _valuespace._in_value_space
dt-type1      _datatypes.one_time_triples
dt-type2      _datatypes.one_time_triples
eq-diff1      _checks.inconsistencies
eq-diff2      _checks.inconsistencies
eq-diff3      _checks.inconsistencies
eq-rep-o      _engine.Engine._replace_same, _schema._same_as
eq-rep-p      _engine.Engine._replace_same, _schema._same_as
eq-rep-s      _engine.Engine._replace_same, _schema._same_as
eq-sym        _schema._same_as
eq-trans      _schema._same_as
prp-adp       _checks.inconsistencies
prp-ap        _datatypes.one_time_triples
prp-asyp      _checks.inconsistencies
prp-dom       _engine.Engine._property_rules, _schema._domain_range
prp-eqp1      _engine.Engine._property_rules, _schema._equivalent_property
prp-eqp2      _engine.Engine._property_rules, _schema._equivalent_property
prp-fp        _engine.Engine.apply_characteristics
prp-ifp       _engine.Engine.apply_characteristics
prp-inv1      _engine.Engine._property_rules, _schema._inverse
prp-inv2      _engine.Engine._property_rules, _schema._inverse
prp-irp       _checks.inconsistencies
prp-key       _checks.slow_rules
prp-npa1      _checks.inconsistencies
prp-npa2      _checks.inconsistencies
prp-pdw       _checks.inconsistencies
prp-rng       _engine.Engine._property_rules, _schema._domain_range
prp-spo1      _engine.Engine._property_rules, _schema._subproperty
prp-spo2      _engine.Engine._property_rules, _engine.Engine.extend_chain,
              _schema._chain_axiom
prp-symp      _engine.Engine.apply_characteristics
prp-trp       _engine.Engine.apply_characteristics, _engine.Engine._transitive
scm-avf1      _schema._restriction_subsumptions, _schema._subclass_handler
scm-avf2      _schema._restriction_subsumptions, _schema._subproperty
scm-cls       _schema._declared_class
scm-dom1      _schema._domain_range, _schema._subclass_handler
scm-dom2      _schema._domain_range, _schema._subproperty
scm-dp        _schema._declared_property
scm-eqc1      _schema._equivalent_class
scm-eqc2      _schema._subclass_handler
scm-eqp1      _schema._equivalent_property
scm-eqp2      _schema._subproperty
scm-hv        _schema._restriction_subsumptions, _schema._subproperty
scm-int       _schema._intersection
scm-op        _schema._declared_property
scm-rng1      _schema._domain_range, _schema._subclass_handler
scm-rng2      _schema._domain_range, _schema._subproperty
scm-sco       _schema._subclass_handler
scm-spo       _schema._subproperty
scm-svf1      _schema._restriction_subsumptions, _schema._subclass_handler
scm-svf2      _schema._restriction_subsumptions, _schema._subproperty
scm-uni       _schema._union
============  ===============================================================

>>> from milia_kg import reasoner
>>> reasoner.DEFAULT_REASONER, reasoner.REASONERS
('fast', ('owlrl', 'fast'))
>>> reasoner.reason.__module__
'milia_kg.reasoner._infer'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from milia_kg.base.lazy import lazy_exports
from milia_kg.reasoner._names import DEFAULT_REASONER, REASONERS, Reasoner

if TYPE_CHECKING:
    from milia_kg.reasoner._infer import (
        BUILTIN_NAMESPACES,
        EDGE_RELATIONS,
        ERR,
        Reasoned,
        check_consistent,
        infer,
        is_noise,
        named_closure,
        reason,
        restrict_to_named,
        restriction_edges,
    )

#: Public names defined in :mod:`milia_kg.reasoner._infer` (which needs rdflib), imported on first access.
_LAZY = (
    "BUILTIN_NAMESPACES",
    "EDGE_RELATIONS",
    "ERR",
    "Reasoned",
    "check_consistent",
    "infer",
    "is_noise",
    "named_closure",
    "reason",
    "restrict_to_named",
    "restriction_edges",
)

__all__ = [
    "BUILTIN_NAMESPACES",
    "DEFAULT_REASONER",
    "EDGE_RELATIONS",
    "ERR",
    "REASONERS",
    "Reasoned",
    "Reasoner",
    "check_consistent",
    "infer",
    "is_noise",
    "named_closure",
    "reason",
    "restrict_to_named",
    "restriction_edges",
]


__getattr__, __dir__ = lazy_exports(__name__, dict.fromkeys(_LAZY, "milia_kg.reasoner._infer"))
