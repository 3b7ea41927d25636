"""Demo data hooks: each blueprint registers a seeder; `flask seed-demo` runs them in order.

A seeder receives a DemoContext: the random generator (fixed seed: the demo is reproducible),
the people and units created by the foundation, and the password.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class DemoContext:
    rng: random.Random
    password: str
    units: dict = field(default_factory=dict)  # code -> Unit
    people: dict = field(default_factory=dict)  # demo key ("camat", "pegawai", ...) -> Employee
    employees: list = field(default_factory=list)  # every Employee created
    echo: Callable[[str], None] = print


_SEEDERS: list[tuple[int, str, Callable[[DemoContext], None]]] = []


def demo_seeder(order: int, name: str):
    def register(func):
        if all(existing != name for _, existing, _f in _SEEDERS):
            _SEEDERS.append((order, name, func))
            _SEEDERS.sort(key=lambda item: item[0])
        return func

    return register


def registered_seeders():
    return list(_SEEDERS)
