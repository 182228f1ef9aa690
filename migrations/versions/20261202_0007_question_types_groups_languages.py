"""Question types, groups, choice lists per question, languages, and answers of every type.

Until now every question of a version was a ``scale`` question answered with one option of the
version's shared scale. This migration keeps that data in the new shape:

* ``scale_option`` becomes the version's choice lists: each option gets a ``list_name``
  (``scale`` for the existing ones, which ``questionnaire_version.scale_list`` names as the
  shared scale), longer codes and labels, an optional weight and its translations;
* ``question`` gets an order over every item (``position``, set from ``number``), a ``name``
  (``q1``, ``q2``, ... for the existing ones), its group, choice list, hint, ``relevant``,
  ``constraint`` and messages, appearance, parameters and translations; ``number`` becomes
  optional because notes have none;
* ``question_group`` holds the sections;
* ``answer`` gets a column per kind of value and ``answer_choice`` the options of a
  select_multiple answer;
* ``questionnaire_version`` gets the form's own version string beside the integer sequence.

The downgrade keeps every scale question and its answers as they were; what the old schema
cannot hold (notes, groups, non-scale questions and their answers, other choice lists) is
removed first.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("questionnaire_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("form_version", sa.String(length=255), nullable=True))
        batch_op.add_column(
            sa.Column("scale_list", sa.String(length=64), nullable=False, server_default="scale")
        )
        batch_op.add_column(sa.Column("translations", sa.JSON(), nullable=True))
    with op.batch_alter_table("questionnaire_version", schema=None) as batch_op:
        batch_op.alter_column("scale_list", server_default=None)

    op.create_table(
        "question_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_version_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("label", sa.Text(), nullable=True),
        sa.Column("relevant", sa.Text(), nullable=True),
        sa.Column("translations", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["question_group.id"],
            name=op.f("fk_question_group_parent_id_question_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["questionnaire_version_id"],
            ["questionnaire_version.id"],
            name=op.f("fk_question_group_questionnaire_version_id_questionnaire_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_group")),
        sa.UniqueConstraint(
            "questionnaire_version_id", "name", name=op.f("uq_question_group_questionnaire_version_id_name")
        ),
    )

    with op.batch_alter_table("scale_option", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("list_name", sa.String(length=64), nullable=False, server_default="scale")
        )
        batch_op.add_column(sa.Column("translations", sa.JSON(), nullable=True))
        batch_op.alter_column("code", existing_type=sa.String(length=8), type_=sa.String(length=64))
        batch_op.alter_column("label", existing_type=sa.String(length=100), type_=sa.String(length=500))
        batch_op.alter_column("weight", existing_type=sa.Numeric(6, 4), nullable=True)
        batch_op.drop_constraint("uq_scale_option_questionnaire_version_id_code", type_="unique")
        batch_op.drop_constraint("uq_scale_option_questionnaire_version_id_position", type_="unique")
        batch_op.create_unique_constraint(
            "uq_scale_option_questionnaire_version_id_list_name_code",
            ["questionnaire_version_id", "list_name", "code"],
        )
        batch_op.create_unique_constraint(
            "uq_scale_option_questionnaire_version_id_list_name_position",
            ["questionnaire_version_id", "list_name", "position"],
        )
    with op.batch_alter_table("scale_option", schema=None) as batch_op:
        batch_op.alter_column("list_name", server_default=None)

    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.add_column(sa.Column("position", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("name", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("group_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("list_name", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hint", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("relevant", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("constraint", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("constraint_message", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("required_message", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("appearance", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("parameters", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("or_other", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("translations", sa.JSON(), nullable=True))
    # Every existing question is a scale question on the shared scale, named as its form field.
    question = sa.table(
        "question",
        sa.column("number", sa.Integer()),
        sa.column("position", sa.Integer()),
        sa.column("name", sa.String()),
        sa.column("list_name", sa.String()),
    )
    op.execute(
        question.update().values(
            position=question.c.number,
            name=sa.literal("q") + sa.cast(question.c.number, sa.String()),
            list_name="scale",
        )
    )
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.alter_column("position", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("name", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("number", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("or_other", server_default=None)
        batch_op.create_foreign_key(
            "fk_question_group_id_question_group", "question_group", ["group_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_unique_constraint(
            "uq_question_questionnaire_version_id_position", ["questionnaire_version_id", "position"]
        )
        batch_op.create_unique_constraint(
            "uq_question_questionnaire_version_id_name", ["questionnaire_version_id", "name"]
        )
        batch_op.create_check_constraint(
            op.f("ck_question_number_unless_note"), "number IS NOT NULL OR type = 'note'"
        )

    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.alter_column("option_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("value_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("value_number", sa.Numeric(24, 8), nullable=True))
        batch_op.add_column(sa.Column("value_date", sa.Date(), nullable=True))

    op.create_table(
        "answer_choice",
        sa.Column("answer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["answer_id"], ["answer.id"], name=op.f("fk_answer_choice_answer_id_answer"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["option_id"],
            ["scale_option.id"],
            name=op.f("fk_answer_choice_option_id_scale_option"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("answer_id", "option_id", name=op.f("pk_answer_choice")),
    )
    with op.batch_alter_table("answer_choice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_answer_choice_option_id"), ["option_id"], unique=False)


def downgrade() -> None:
    # Remove what the old schema cannot hold, keeping every scale question and its answers.
    op.drop_table("answer_choice")
    op.execute(
        "DELETE FROM answer WHERE option_id IS NULL OR question_id IN "
        "(SELECT id FROM question WHERE type <> 'scale')"
    )
    op.execute("DELETE FROM question WHERE type <> 'scale'")
    op.execute(
        "DELETE FROM scale_option WHERE list_name <> (SELECT scale_list FROM questionnaire_version v "
        "WHERE v.id = scale_option.questionnaire_version_id)"
    )
    op.execute("UPDATE scale_option SET weight = 0 WHERE weight IS NULL")

    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.drop_column("value_date")
        batch_op.drop_column("value_number")
        batch_op.drop_column("value_text")
        batch_op.alter_column("option_id", existing_type=sa.Integer(), nullable=False)

    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_question_number_unless_note"), type_="check")
        batch_op.drop_constraint("uq_question_questionnaire_version_id_name", type_="unique")
        batch_op.drop_constraint("uq_question_questionnaire_version_id_position", type_="unique")
        batch_op.drop_constraint("fk_question_group_id_question_group", type_="foreignkey")
        batch_op.alter_column("number", existing_type=sa.Integer(), nullable=False)
        for column in (
            "translations",
            "or_other",
            "parameters",
            "appearance",
            "required_message",
            "constraint_message",
            "constraint",
            "relevant",
            "hint",
            "list_name",
            "group_id",
            "name",
            "position",
        ):
            batch_op.drop_column(column)

    with op.batch_alter_table("scale_option", schema=None) as batch_op:
        batch_op.drop_constraint(
            "uq_scale_option_questionnaire_version_id_list_name_position", type_="unique"
        )
        batch_op.drop_constraint("uq_scale_option_questionnaire_version_id_list_name_code", type_="unique")
        batch_op.create_unique_constraint(
            "uq_scale_option_questionnaire_version_id_code", ["questionnaire_version_id", "code"]
        )
        batch_op.create_unique_constraint(
            "uq_scale_option_questionnaire_version_id_position", ["questionnaire_version_id", "position"]
        )
        batch_op.alter_column("weight", existing_type=sa.Numeric(6, 4), nullable=False)
        batch_op.alter_column("label", existing_type=sa.String(length=500), type_=sa.String(length=100))
        batch_op.alter_column("code", existing_type=sa.String(length=64), type_=sa.String(length=8))
        batch_op.drop_column("translations")
        batch_op.drop_column("list_name")

    op.drop_table("question_group")

    with op.batch_alter_table("questionnaire_version", schema=None) as batch_op:
        batch_op.drop_column("translations")
        batch_op.drop_column("scale_list")
        batch_op.drop_column("form_version")
