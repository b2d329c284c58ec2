import { type PhotoIntake, type PhotoProblem, sizeText } from '../../photos/photoIntake';
import type { PhotoLinks } from '../../photos/photoLinks';
import { type PhotoReference, photosKey } from '../../photos/photoReference';
import type { PostedActivity } from './activitySchema';
import type { UploadProblem } from './uploadBody';

/** What the Direct Line upload needs to take photos in and show them back in the chat. */
export interface DirectLinePhotos {
  intake: PhotoIntake;
  links: PhotoLinks;
  /** How long the chat's own links to its photos work: as long as the conversation is kept. */
  linkLifeSeconds: number;
}

/** The answer to an upload that is refused: the status a client can act on, and words naming the problem. */
export function uploadRefusal(
  problem: UploadProblem | PhotoProblem,
  photos: DirectLinePhotos,
): { status: number; code: string; message: string } {
  const { maxFileBytes, maxPerMessage } = photos.intake.limits;
  switch (problem) {
    case 'tooLarge':
      return { status: 413, code: 'FileTooLarge', message: `A photo may be at most ${sizeText(maxFileBytes)}.` };
    case 'wrongType':
      return { status: 415, code: 'UnsupportedMediaType', message: 'Only photos are accepted: JPEG, PNG, WebP or HEIC.' };
    case 'tooManyInMessage':
      return { status: 413, code: 'TooManyFiles', message: `At most ${maxPerMessage} photos in one message.` };
    case 'tooManyInConversation':
    case 'conversationFull':
      return { status: 413, code: 'ConversationPhotoLimit', message: 'This conversation has all the photos it can keep.' };
    case 'activityTooLarge':
      return { status: 413, code: 'ActivityTooLarge', message: 'The activity part is too large.' };
    case 'notMultipart':
      return { status: 415, code: 'UnsupportedMediaType', message: 'Send the upload as multipart/form-data.' };
    case 'noActivity':
      return { status: 400, code: 'BadArgument', message: 'The upload has no "activity" part.' };
    case 'malformed':
      return { status: 400, code: 'BadArgument', message: 'The upload is not well-formed multipart/form-data.' };
  }
}

/**
 * The posted activity with its photos as references: each attachment becomes a link to the kept
 * photo (what Web Chat shows), and `channelData.photos` names them for the bot. No bytes stay in
 * the activity, so none reach the activity log.
 */
export function withPhotos(
  activity: PostedActivity,
  photos: PhotoReference[],
  names: string[],
  links: { linkTo(id: string): string },
): PostedActivity {
  return {
    ...activity,
    attachments: photos.map((photo, i) => ({ contentType: photo.contentType, contentUrl: links.linkTo(photo.id), name: names[i] })),
    channelData: { ...activity.channelData, [photosKey]: photos },
  };
}

/** A client's own activity never names photos: only the upload does, once it has kept them. */
export function withoutPhotoReferences(activity: PostedActivity): PostedActivity {
  if (!activity.channelData || !(photosKey in activity.channelData)) return activity;
  const { [photosKey]: _ignored, ...channelData } = activity.channelData;
  return { ...activity, channelData };
}
