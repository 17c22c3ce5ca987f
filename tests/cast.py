"""The demo cast: the sample people (``bot/demo_data/people.csv``, loaded by the ``people`` fixture)
by first name, as Slack user ids. Tests name people from here instead of their own constants.

Each comment: team ("Backoffice Fin." is Backoffice Financeiro), state, roles, manager, and what
the demo files make of them.
"""

from __future__ import annotations

TIAGO = "U070000000"  # Vendas, SP, sales+manager, no manager
GABRIELA = "U070000001"  # Backoffice Fin., RJ, backoffice+manager, no manager
SOFIA = "U070000002"  # TI, SP, oncall+manager, no manager
ISABELA = "U070000003"  # RH, SP, employee+manager, no manager, admins approve her leave
MARIANA = "U070000004"  # Vendas, MG, sales, manager Tiago
QUESIA = "U070000005"  # Backoffice Fin., SP, backoffice, manager Gabriela, books T20261119-0007 etc.
HENRIQUE = "U070000006"  # TI, SP, oncall, manager Sofia
JOAO = "U070000007"  # RH, MG, employee, manager Isabela
WESLEY = "U070000008"  # Vendas, MG, sales, manager Tiago
NICOLAS = "U070000009"  # Backoffice Fin., MG, backoffice, manager Gabriela, books T20261123-0001, T20261119-0005
KARINA = "U070000010"  # TI, MG, oncall, manager Sofia
RAFAEL = "U070000011"  # RH, MG, employee, manager Isabela
CARLA = "U070000012"  # Vendas, MG, sales, manager Tiago
OLIVIA = "U070000013"  # Backoffice Fin., PR, backoffice, manager Gabriela, imports the trade files: confirms none
PAULO = "U070000014"  # TI, SP, oncall, manager Sofia
VITOR = "U070000015"  # RH, SP, employee, manager Isabela
YASMIN = "U070000016"  # Vendas, SP, sales, manager Tiago
LUCAS = "U070000017"  # Backoffice Fin., PR, backoffice, manager Gabriela
FELIPE = "U070000018"  # TI, RJ, oncall, manager Sofia
URSULA = "U070000019"  # RH, MG, employee, manager Isabela
DIEGO = "U070000020"  # Vendas, PR, sales, manager Tiago
ANA = "U070000021"  # Backoffice Fin., RJ, backoffice, manager Gabriela, books the breaks (T20261123-0003)
BRUNO = "U070000022"  # TI, SP, oncall, manager Sofia
EDUARDA = "U070000023"  # RH, MG, employee+admin, manager Isabela

ADMIN = EDUARDA  # the only admin
