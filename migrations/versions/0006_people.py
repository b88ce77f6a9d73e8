"""people: e-mail confirmation, language and auto-follow per account, login throttles, mail queue

Revision ID: 0006_people
Revises: 0005_sessions_tokens
Create Date: 2026-11-26 01:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_people'
down_revision = '0005_sessions_tokens'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_confirmed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('locale', sa.String(length=5), server_default='de', nullable=False))
        batch_op.add_column(sa.Column('auto_follow', sa.Boolean(), server_default=sa.true(), nullable=False))
    # Accounts that exist already were made before confirmation existed: they count as confirmed.
    op.execute("UPDATE users SET email_confirmed_at = created_at")
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unconfirmed_may', sa.String(length=200), server_default='', nullable=False))
    op.create_table(
        'login_throttles',
        sa.Column('key', sa.String(length=80), nullable=False),
        sa.Column('failures', sa.Integer(), server_default='0', nullable=False),
        sa.Column('blocked_until', sa.DateTime(), nullable=True),
        sa.Column('last_failure_at', sa.DateTime(), nullable=True),
        sa.Column('notified_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_login_throttles')),
    )
    op.create_table(
        'outgoing_mails',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=True),
        sa.Column('recipient', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('text_body', sa.Text(), nullable=False),
        sa.Column('html_body', sa.Text(), nullable=False),
        sa.Column('headers', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('claimed_at', sa.DateTime(), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')",
                           name=op.f('ck_outgoing_mails_mail_status')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_mails')),
        sa.UniqueConstraint('key', name=op.f('uq_outgoing_mails_key')),
    )
    with op.batch_alter_table('outgoing_mails', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outgoing_mails_status'), ['status'], unique=False)
    op.create_table(
        'job_failures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('job', sa.String(length=200), nullable=False),
        sa.Column('args', sa.Text(), nullable=False),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('failed_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_job_failures')),
    )


def downgrade():
    op.drop_table('job_failures')
    with op.batch_alter_table('outgoing_mails', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outgoing_mails_status'))
    op.drop_table('outgoing_mails')
    op.drop_table('login_throttles')
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.drop_column('unconfirmed_may')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('auto_follow')
        batch_op.drop_column('locale')
        batch_op.drop_column('email_confirmed_at')
