/**
 * What a fact about one car or charger model can be about (knowledge/vehicles/, knowledge/chargers/),
 * and so what a general knowledge item can be refined by when the driver has named their model.
 */
export const vehicleTopics = [
  'unlock_port',
  'port_release_button',
  'charge_lock_setting',
  'emergency_release',
  'cold_weather',
  'power_cut',
] as const;
export type VehicleTopic = (typeof vehicleTopics)[number];

export const chargerTopics = ['tethered', 'end_session', 'socket_unlock', 'cable_lock_setting', 'power_off_release', 'restart'] as const;
export type ChargerTopic = (typeof chargerTopics)[number];
