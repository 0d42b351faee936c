from bot.dispatcher import Router
from bot.events import ContactAdded, ContactDeleted, FollowUserDeleted
from bot.filters import ChangeType
from bot.invites import InviteService
from fans.models import LossSource
from fans.ports import ContactDirectory
from fans.service import FanService
from org.models import Guide
from rewards.badges import BadgeService
from tasks.counting import ProgressCounter

router = Router(name="contacts")

TRANSFER_SOURCE = "DELETE_BY_TRANSFER"


@router.event("change_external_contact", ChangeType("add_external_contact", "add_half_external_contact"))
async def send_member_invite(
    event: ContactAdded,
    guide: Guide | None,
    invites: InviteService,
    fans: FanService,
    contacts: ContactDirectory,
    progress: ProgressCounter,
    badges: BadgeService,
    inbox_key: str,
) -> None:
    """客户加导购好友：立刻用 welcome_code 发会员注册邀请，再记下这位粉丝并计入吸粉任务。"""
    await invites.send_welcome_invite(event, guide, key=inbox_key)
    fan = await fans.record_added(
        event_key=inbox_key,
        guide_userid=event.user_id,
        external_userid=event.external_user_id,
        state=event.state,
        added_at=event.create_time,
        contact_type=await contacts.contact_type(event.external_user_id),
    )
    if fan.counts_as_new:
        await progress.count_new_fan(event.user_id, fan.id, fan.added_at)
        await badges.after_new_fan(event.user_id, await fans.new_fan_count(event.user_id))


@router.event("change_external_contact", ChangeType("del_follow_user"))
async def mark_fan_lost(event: FollowUserDeleted, fans: FanService, progress: ProgressCounter) -> None:
    """客户删了导购（删粉）：粉丝记为流失；保留期内的删粉收回任务进度和奖励。"""
    fan = await fans.record_lost(
        guide_userid=event.user_id,
        external_userid=event.external_user_id,
        lost_at=event.create_time,
        source=LossSource.CUSTOMER_DELETED_GUIDE,
    )
    if fan and fan.counts_as_new:
        await progress.uncount_lost_fan(event.user_id, fan.id, fan.added_at, fan.lost_at)


@router.event("change_external_contact", ChangeType("del_external_contact"))
async def mark_contact_deleted(event: ContactDeleted, fans: FanService, progress: ProgressCounter) -> None:
    """导购删了客户：流失并收回进度；在职继承转走的（DELETE_BY_TRANSFER）只是转移，不算流失。"""
    source = LossSource.TRANSFERRED if event.source == TRANSFER_SOURCE else LossSource.GUIDE_DELETED_CUSTOMER
    fan = await fans.record_lost(
        guide_userid=event.user_id, external_userid=event.external_user_id, lost_at=event.create_time, source=source
    )
    if fan and fan.counts_as_new and source is not LossSource.TRANSFERRED:
        await progress.uncount_lost_fan(event.user_id, fan.id, fan.added_at, fan.lost_at)
