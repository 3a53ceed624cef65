"""Who may see a volunteer's own photo (served by beefeed.privatemedia): the volunteer, and the
staff who may see the volunteer (coordinators all, a handler their community's). Nobody else."""

from beefeed.admin_tools import community_scoped
from beefeed.privatemedia import PRIVATE
from volunteers.models import Volunteer


def volunteer_photo_access(request, name):
    user = request.user
    if not user.is_authenticated or not user.is_active:
        return None
    volunteers = Volunteer.objects.filter(photo=name)
    if volunteers.filter(user=user).exists():
        return PRIVATE
    if user.is_staff and community_scoped(request, volunteers, "community_id").exists():
        return PRIVATE
    return None
