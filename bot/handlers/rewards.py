from bot.dispatcher import Router
from bot.events import TextMessage
from bot.filters import Command, KnownGuide
from bot.replies import Reply
from org.models import Guide
from rewards.badges import BadgeService
from rewards.ledger import CoinLedger, InsufficientCoins
from rewards.redemption import RedemptionError, RewardShop

router = Router(name="rewards")


@router.text(Command("金币", "coins"), KnownGuide())
async def show_coins(msg: TextMessage, guide: Guide, ledger: CoinLedger) -> Reply:
    """金币余额和最近收支"""
    entries = await ledger.recent(guide.userid, limit=3)
    lines = [f"{e.amount:+d}  {e.reason}" for e in entries]
    return Reply.text(
        f"金币余额：{await ledger.balance(guide.userid)}" + ("\n最近：\n" + "\n".join(lines) if lines else "")
    )


@router.text(Command("兑换", "redeem"), KnownGuide())
async def redeem_gift(
    msg: TextMessage, args: str, guide: Guide, shop: RewardShop, ledger: CoinLedger, inbox_key: str
) -> Reply:
    """看礼品；「兑换 2」兑换 2 号礼品"""
    if not args:
        items = await shop.catalog()
        if not items:
            return Reply.text("礼品正在上新，过几天再来看看～")
        lines = [f"{i.id}. {i.name}  {i.price} 金币" + ("（已兑完）" if i.stock <= 0 else "") for i in items[:10]]
        return Reply.text("可兑换的礼品：\n" + "\n".join(lines) + "\n发「兑换 编号」兑换")
    if not args.isdigit():
        return Reply.text("发「兑换 编号」兑换，例如：兑换 2")
    try:
        redemption = await shop.redeem(guide.userid, int(args), request_key=f"chat:{inbox_key}")
    except InsufficientCoins as exc:
        return Reply.text(f"金币不够：需要 {exc.wanted}，你有 {exc.balance}。")
    except RedemptionError as exc:
        return Reply.text(str(exc))
    balance = await ledger.balance(guide.userid)
    return Reply.text(f"兑换成功：「{redemption.item.name}」-{redemption.price} 金币，余额 {balance}。礼品将寄到门店。")


@router.text(Command("徽章", "badges"), KnownGuide())
async def show_badges(msg: TextMessage, guide: Guide, badges: BadgeService) -> Reply:
    """我的徽章"""
    earned = await badges.badges_of(guide.userid)
    if not earned:
        return Reply.text("还没有徽章，完成第一个任务就能点亮「首战告捷」！")
    return Reply.text("我的徽章：\n" + "\n".join(f"🏅 {name}" for name in earned))
